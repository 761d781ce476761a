// Removes build outputs so that a production build starts from nothing.
const fs = require('fs');
for (const dir of ['lib', 'python-kernel-bridge/seglab/labextension', 'tsconfig.tsbuildinfo']) {
  fs.rmSync(dir, { recursive: true, force: true });
}
