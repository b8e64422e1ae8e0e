import { makePaintTool } from './paint';

/** B: paints the mask (255 = replace these pixels). */
export const brushTool = makePaintTool('brush', 255, 'history.brush');
