#!/usr/bin/env python3
"""The seed's way: a plain sequential client that pages GET /keys one request after another
(as a Python script using the requests pattern of the seed would), then prints the keys as JSON."""
import json
import sys
import urllib.request

base, key = sys.argv[1], sys.argv[2]
keys, offset = [], 0
while True:
    req = urllib.request.Request(f"{base}/keys?include_disabled=true&offset={offset}",
                                 headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(req) as resp:
        page = json.load(resp)["data"]
    keys.extend(page)
    if len(page) < 100:
        break
    offset += 100
json.dump(keys, sys.stdout, indent=4)
