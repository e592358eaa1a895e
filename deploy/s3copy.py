"""Copy report files between the local disk and S3, for the shard and merge scripts.

    python s3copy.py put LOCAL s3://bucket/key
    python s3copy.py get s3://bucket/prefix/ LOCAL_DIR     (every *.json under the prefix)
    python s3copy.py fetch s3://bucket/key LOCAL           (one object; prints "absent" when there is none)

Uploads are KMS-encrypted: with the key POSTURE_KMS_KEY_ID names, else the bucket's default key.

Kept apart from `posture` on purpose: the scanner itself only reads AWS.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import boto3
from botocore.exceptions import ClientError


def split(url: str) -> tuple[str, str]:
    if not url.startswith("s3://"):
        raise SystemExit(f"s3copy: {url!r} is not an s3:// URL")
    bucket, _, key = url[5:].partition("/")
    return bucket, key


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("put", "get", "fetch"):
        raise SystemExit(__doc__)
    s3 = boto3.client("s3")
    if argv[0] == "put":
        bucket, key = split(argv[2])
        extra = {"ServerSideEncryption": "aws:kms"}
        if os.environ.get("POSTURE_KMS_KEY_ID"):  # else S3 would pick its own aws/s3 key, not the bucket's
            extra["SSEKMSKeyId"] = os.environ["POSTURE_KMS_KEY_ID"]
        s3.upload_file(argv[1], bucket, key, ExtraArgs=extra)
        return 0
    if argv[0] == "fetch":
        bucket, key = split(argv[1])
        try:
            s3.download_file(bucket, key, argv[2])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey"):
                raise
            print("absent")
            return 0
        print("fetched")
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
