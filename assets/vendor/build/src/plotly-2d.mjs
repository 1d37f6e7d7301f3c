// The 2-D part of plotly.js that the pages draw with, loaded first by assets/core/vendor.js.
// lib/core brings scatter and every layout component the pages use: shapes, images,
// annotations, colorbars, legend, hover (fx), log axes (cartesian). Added here: contour, heatmap.
import Plotly from "plotly.js/lib/core";
import contour from "plotly.js/lib/contour";
import heatmap from "plotly.js/lib/heatmap";

Plotly.register([contour, heatmap]);

export default Plotly;
