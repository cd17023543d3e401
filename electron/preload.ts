/**
 * The window's preload. It runs sandboxed and is bundled with the contract into one CommonJS file
 * (build/bundle.mjs), since a sandboxed preload may require nothing but 'electron'.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createAstaireBridge } from './astaire-bridge.js';

contextBridge.exposeInMainWorld('astaire', createAstaireBridge(ipcRenderer));
