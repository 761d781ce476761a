// Extra webpack config for `jupyter labextension build` (package.json "jupyterlab.webpackConfig"):
// copies onnxruntime-web's JSEP build (the one with the WebGPU provider, and WASM) into the
// extension's static folder as static/ort/, unhashed, where the SAM worker
// (src/compute/sam/samWorker.ts) imports it from its own URL at run time. Only these three
// files: the other builds (plain WASM, JSPI, asyncify) would add ~60 MB nobody loads.
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');

const ortDist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const ORT_FILES = ['ort.min.mjs', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'].map(f => [path.join(ortDist, f), `ort/${f}`]);
// SegLab's own small nucleus model (python-kernel-bridge/seglab/models/prompter), the segment
// tool's default when no model is configured: served as static/models/prompter/.
const prompterDir = path.resolve(__dirname, '..', 'python-kernel-bridge', 'seglab', 'models', 'prompter');
const PROMPTER_FILES = ['encoder.onnx', 'decoder.onnx', 'seglab-model.json'].map(f => [path.join(prompterDir, f), `models/prompter/${f}`]);

class EmitOnnxRuntimeWeb {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('EmitOnnxRuntimeWeb', compilation => {
      compilation.hooks.processAssets.tap({ name: 'EmitOnnxRuntimeWeb', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const [source, asset] of [...ORT_FILES, ...PROMPTER_FILES]) {
          compilation.fileDependencies.add(source);
          compilation.emitAsset(asset, new webpack.sources.RawSource(fs.readFileSync(source)), { minimized: true });
        }
      });
    });
  }
}

module.exports = {
  plugins: [new EmitOnnxRuntimeWeb()],
  // The 28 MB WASM file is loaded on demand by the worker, never as part of a page's scripts.
  performance: { hints: false }
};
