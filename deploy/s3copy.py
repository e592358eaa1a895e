"""Copy report files between the local disk and S3, for the shard and merge scripts.

    python s3copy.py put LOCAL s3://bucket/key
    python s3copy.py get s3://bucket/prefix/ LOCAL_DIR     (every *.json under the prefix)

Kept apart from `posture` on purpose: the scanner itself only reads AWS.
"""

from __future__ import annotations

import sys
from pathlib import Path

import boto3


def split(url: str) -> tuple[str, str]:
    if not url.startswith("s3://"):
        raise SystemExit(f"s3copy: {url!r} is not an s3:// URL")
    bucket, _, key = url[5:].partition("/")
    return bucket, key


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("put", "get"):
        raise SystemExit(__doc__)
    s3 = boto3.client("s3")
    if argv[0] == "put":
        bucket, key = split(argv[2])
        s3.upload_file(argv[1], bucket, key, ExtraArgs={"ServerSideEncryption": "aws:kms"})
        return 0
    bucket, prefix = split(argv[1])
    target = Path(argv[2])
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if item["Key"].endswith(".json"):
                s3.download_file(bucket, item["Key"], str(target / Path(item["Key"]).name))
                count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
