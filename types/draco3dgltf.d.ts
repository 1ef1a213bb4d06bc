// draco3dgltf ships no types; we only create modules and hand them to glTF-Transform.
declare module 'draco3dgltf' {
  const draco3d: {
    createDecoderModule(options?: Record<string, unknown>): Promise<unknown>;
    createEncoderModule(options?: Record<string, unknown>): Promise<unknown>;
  };
  export default draco3d;
}

// The decoder's own file, so a bundle holds the decoder only (the package's main brings the encoder too).
declare module 'draco3dgltf/draco_decoder_gltf_nodejs.js' {
  const createDecoderModule: (options?: Record<string, unknown>) => Promise<unknown>;
  export default createDecoderModule;
}
