export function readWav(path: string): { sampleRate: number; channels: Float32Array[] };
export function wavHeader(frames: number, sampleRate: number, channelCount?: number): Buffer;
export function writeWavChannels(path: string, channels: Float32Array[], sampleRate: number): void;
export function writeWav(path: string, samples: Float32Array, sampleRate: number): void;
