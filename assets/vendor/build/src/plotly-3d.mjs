// The 3-D traces, imported only when a 3-D view is asked for. It imports the same plotly.js core
// module as plotly-2d.mjs; with code splitting that module lives in one shared chunk, so this
// registers surface and scatter3d into the very Plotly object the 2-D entry returned.
import Plotly from "plotly.js/lib/core";
import scatter3d from "plotly.js/lib/scatter3d";
import surface from "plotly.js/lib/surface";

Plotly.register([surface, scatter3d]);

export default Plotly;
