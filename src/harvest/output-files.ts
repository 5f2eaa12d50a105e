/** The files of a harvest, relative to `--out`. */
export const OUTPUT_FILES = {
  datasetCard: 'README.md',
  preferences: 'preferences.parquet',
  rankings: 'rankings.parquet',
  events: 'events.parquet',
  ktoMetadata: 'kto/metadata.csv',
  ktoPickSplit: 'kto/train_processed_v3.csv',
  ktoImages: 'kto/images',
} as const;
