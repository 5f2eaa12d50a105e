import { OUTPUT_FILES } from './output-files.js';

/**
 * `README.md`, a 🤗 datasets card whose YAML `configs` name which file is which dataset: trainers load a
 * directory with `load_dataset(dir, split=…)` (diffusers' Diffusion-DPO script: `--dataset_name=DIR
 * --dataset_split_name=train`), and without it the three Parquet files of different schemas would be read
 * as one. The default config is the preferences.
 */
export const DATASET_CARD = `---
configs:
- config_name: default
  data_files:
  - split: train
    path: ${OUTPUT_FILES.preferences}
- config_name: rankings
  data_files:
  - split: train
    path: ${OUTPUT_FILES.rankings}
- config_name: events
  data_files:
  - split: train
    path: ${OUTPUT_FILES.events}
---

# diffalign harvest

Preference data harvested from diffalign generations and consented app feedback (\`manifest.json\` holds the
rules, thresholds, counts and a content hash).

- \`${OUTPUT_FILES.preferences}\` (default config): Pick-a-Pic v2 layout (\`caption\`, \`jpg_0\`, \`jpg_1\`,
  \`label_0\`, \`label_1\`, …) plus provenance and each image's noise recipe, steps, guidance and final prompt.
  Diffusion-DPO (diffusers \`examples/research_projects/diffusion_dpo\`): \`--dataset_name=<this directory>
  --dataset_split_name=train\`. AI-feedback pairs have \`ai_feedback = true\`.
- \`kto/\`: Diffusion-KTO: \`--train_data_dir=<this directory>/kto\` (\`train_processed_v3.csv\` for
  \`--dataloader pick --pick_split train\`, \`metadata.csv\` otherwise), images in \`kto/images/\`.
- \`${OUTPUT_FILES.rankings}\` (config \`rankings\`): per generation, its scored candidates in reward order.
- \`${OUTPUT_FILES.events}\` (config \`events\`): the consented, deduplicated feedback events used.
`;
