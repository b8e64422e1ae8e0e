import { makePaintTool } from './paint';

/** E: erases the mask (0 = keep these pixels exactly). */
export const eraserTool = makePaintTool('eraser', 0, 'history.erase');
