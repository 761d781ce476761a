// Debian's Chromium, never a downloaded browser. WebGPU needs --enable-unsafe-webgpu on these
// GPU-less machines (SwiftShader adapter); WebGL2 falls back to SwiftShader only with
// --enable-unsafe-swiftshader. --disable-gpu must NOT be passed (it removes both).
module.exports = {
  executablePath: process.env.SEGLAB_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--enable-unsafe-webgpu',
    '--enable-unsafe-swiftshader',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run'
  ]
};
