// draco3dgltf ships no types; we only create modules and hand them to glTF-Transform.
declare module 'draco3dgltf' {
  const draco3d: {
    createDecoderModule(options?: Record<string, unknown>): Promise<unknown>;
    createEncoderModule(options?: Record<string, unknown>): Promise<unknown>;
  };
  export default draco3d;
}
