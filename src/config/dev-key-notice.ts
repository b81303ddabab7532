// What the daemon prints when it has just generated the development admin key. The key itself
// goes only to an interactive terminal: under PM2 (or CI, or `> file`) stdout is a log file that
// is kept, rotated and shipped, so there the notice says where the key is kept instead.

export function devKeyNotice(input: { adminApiKey: string; file: string; url: string; isTTY: boolean }): string {
  if (!input.isTTY) {
    return (
      `A development admin key was generated and kept in ${input.file} (mode 0600). ` +
      `It is not printed because this output is not a terminal; read "adminApiKey" from that file.\n`
    );
  }
  return (
    `\n  A development admin key was generated (kept in ${input.file}, mode 0600):\n\n` +
    `    DRIN_API_KEY=${input.adminApiKey}\n\n` +
    `  Create a store:\n    curl -s -X POST ${input.url}/api/admin/stores -H "Authorization: Bearer $DRIN_API_KEY" -H 'Content-Type: application/json' -d '{"name":"My Store"}'\n\n`
  );
}
