/** Defaults the CLI shows in --help, kept apart from the commands so --help loads none of them. */
export const DEFAULT_COMPARE_MODELS = 'bag,cnn,bilstm,use,bag+use';
