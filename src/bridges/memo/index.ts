/** Facts an adapter keeps across restarts through AdapterComponents.memos. */
export { MemoMap } from './memo-map.js';
