/** The fill folder's public surface; see README.md for the contract. */
export { patchFill, holeThickness, DEFAULT_PATCH_RADIUS, type PatchFillOptions } from './patch-fill';
export { measureHalo, MAX_HALO, type Halo } from './halo';
export { chooseFill, filledRegions, routeRegions, regionFeatures, ROUTING, type FillMethod, type RegionFeatures, type RoutedRegion } from './route';
