/**
 * Light transmission of the printing material. Lithophanes are modelled with Beer-Lambert,
 * T(t) = exp(-k t). k = 0.9 per mm is a white-PLA figure: about 45% of the light through 0.8 mm
 * and 6% through 3.2 mm, the ~8:1 contrast makers report for 0.8-3.2 mm white PLA lithophanes.
 */
export const WHITE_PLA_ATTENUATION_PER_MM = 0.9;
