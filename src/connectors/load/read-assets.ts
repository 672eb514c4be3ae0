/** Non-JSON files of a connector folder: the icon and custom code. */
import type { Issue } from '../../core/index.ts';
import type { CustomCode } from '../model/definition.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Base64 of bytes, in chunks so large icons do not overflow the argument list. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += chunk) binary += String.fromCharCode(...bytes.subarray(offset, offset + chunk));
  return btoa(binary);
}

/** icon.png as a `data:` URI; a file that is not a PNG is reported and not used. */
export function readIcon(bytes: Uint8Array, options: { file: string; issues: Issue[] }): string | undefined {
  if (!PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) {
    options.issues.push({ code: 'icon-invalid', severity: 'warning', path: '', file: options.file, message: `\`${options.file}\` is not a PNG image — replace it with a PNG (the connector loads without an icon)` });
    return undefined;
  }
  return `data:image/png;base64,${toBase64(bytes)}`;
}

/** Custom code: C# is recorded without its text; TypeScript/JavaScript keep their source for the sandbox. */
export function readCustomCode(file: { name: string; bytes: Uint8Array }, language: CustomCode['language']): CustomCode {
  if (language === 'csharp') return { language, file: file.name };
  let source = new TextDecoder('utf-8').decode(file.bytes);
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  return { language, file: file.name, source };
}
