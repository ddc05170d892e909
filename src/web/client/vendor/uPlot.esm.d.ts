// The browser loads uPlot from /app/vendor/uPlot.esm.js (the server serves the package's file); its types are the package's.
import uPlot from 'uplot';
export default uPlot;
