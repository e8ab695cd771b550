export function readWav(path: string): { sampleRate: number; channels: Float32Array[] };
export function wavHeader(frames: number, sampleRate: number): Buffer;
export function writeWav(path: string, samples: Float32Array, sampleRate: number): void;
