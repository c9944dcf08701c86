// Browser entry '@gs/monitor/tfjs-vis': the monitor in the tfjs-vis visor. Only this entry loads
// '@tensorflow/tfjs-vis' (an optional peer dependency).
export { VISOR_SURFACES, visorSink, type VisorSink, type VisorSinkOptions } from './visor-sink.js';
