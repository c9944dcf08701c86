// Type entry point. At run time the `node` export condition loads node.js and every other
// environment loads browser.js; both export this same API.
export {
  type BackendChoice,
  type BackendName,
  type BackendRequest,
  type SetupBackendOptions,
  BACKEND_REQUESTS,
  activateBackend,
  describeAdapter,
  parseBackendRequest,
} from './backend-choice.js';
export { withAllStorageBuffers } from './all-storage-buffers.js';
export { availableBackends, hasWebGPU, setupBackend } from './node.js';
