/**
 * SD-XL's GenEval accuracies (Ghosh et al. 2023, "GenEval: An object-focused framework for evaluating
 * text-to-image alignment", Table 2): the reference world's calibration targets (a module, not a benchmark).
 */
export const SDXL_GENEVAL: Readonly<Record<string, number>> = {
  single_object: 0.98,
  two_object: 0.74,
  counting: 0.39,
  colors: 0.85,
  position: 0.15,
  color_attr: 0.23,
};

/** SD-XL's overall GenEval score (the mean of the six task accuracies). */
export const SDXL_GENEVAL_OVERALL = 0.55;
