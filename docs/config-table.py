#!/usr/bin/env python3
"""Rewrites the key table of docs/configuration.md from ConfigKeys.java (run after adding a key:
python3 docs/config-table.py). ConfigLoaderTest fails when a key is missing from the page."""
import re
src = open('server/src/main/java/dev/poplar/config/ConfigKeys.java').read()
rows = []
for name, default, desc in re.findall(r'key\(\s*"([^"]+)",\s*"([^"]*)",\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)\)', src):
    text = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', desc)).replace('\\"', '"')
    env = name.upper().replace('.', '_').replace('-', '_')
    rows.append(f"| `{name}` | `{default}` | `{env}` | {text} |")
doc = open('docs/configuration.md').read()
start = doc.index('| key | default | environment | meaning |')
end = doc.index('\n\n', start)
table = '| key | default | environment | meaning |\n|---|---|---|---|\n' + '\n'.join(rows)
open('docs/configuration.md', 'w').write(doc[:start] + table + doc[end:])
print(len(rows), 'keys')
