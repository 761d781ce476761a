// The labextension folder is what the Python wheel ships into
// share/jupyter/labextensions/seglab; JupyterLab reads install.json from there to tell users
// how the extension was installed (and how to uninstall it).
const fs = require('fs');
const path = require('path');
const outDir = require('../package.json').jupyterlab.outputDir;
fs.copyFileSync('install.json', path.join(outDir, 'install.json'));
