"""The object-store setup itself, before any job runs on it: jobs/object-store.sh refuses wrong
credentials and takes the right ones, and jobs/rest-catalog.sh on an s3:// warehouse keeps an
Iceberg table's metadata and data in the bucket. Needs both servers started that way:
    jobs/object-store.sh start && set -a && . target/object-store/credentials.env && set +a
    export REST_CATALOG_WAREHOUSE=s3://lake/tiering && jobs/rest-catalog.sh start
    .venv/bin/pytest -q src/test/integration/test_object_store_setup.py
Skipped when REST_CATALOG_WAREHOUSE is not an s3:// URI (the local-folder lake of the other tests).
"""

import os
from urllib.parse import urlparse

import boto3
import pyarrow as pa
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from pyiceberg.catalog.rest import RestCatalog

from conftest import REST_URI

WAREHOUSE = os.environ.get("REST_CATALOG_WAREHOUSE", "")
NAMESPACE = "object_store_check"

pytestmark = pytest.mark.skipif(
    not WAREHOUSE.startswith("s3://") or "OBJECT_STORE_ENDPOINT" not in os.environ,
    reason="needs jobs/object-store.sh, its credentials.env sourced, and REST_CATALOG_WAREHOUSE=s3://...")


def s3(key_id=None, secret=None):
    return boto3.client("s3", endpoint_url=os.environ["OBJECT_STORE_ENDPOINT"], region_name=os.environ["AWS_REGION"],
                        aws_access_key_id=key_id or os.environ["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=secret or os.environ["AWS_SECRET_ACCESS_KEY"],
                        config=Config(retries={"max_attempts": 1}))


def refusal(client, bucket):
    with pytest.raises(ClientError) as refused:
        client.list_objects_v2(Bucket=bucket)
    return refused.value.response["ResponseMetadata"]["HTTPStatusCode"], refused.value.response["Error"]["Code"]


def test_the_store_takes_only_its_own_key():
    bucket = urlparse(WAREHOUSE).netloc
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]
    assert refusal(s3(secret=secret[:-1] + ("x" if secret[-1] != "x" else "y")), bucket) == (
        403, "SignatureDoesNotMatch")
    assert refusal(s3(key_id="AKIAWRONGWRONGWRONG0"), bucket) == (403, "InvalidAccessKeyId")
    assert bucket in {b["Name"] for b in s3().list_buckets()["Buckets"]}


def test_an_iceberg_table_lives_in_the_bucket():
    catalog = RestCatalog("lake", uri=REST_URI, **{
        "s3.endpoint": os.environ["OBJECT_STORE_ENDPOINT"], "s3.region": os.environ["AWS_REGION"],
        "s3.access-key-id": os.environ["AWS_ACCESS_KEY_ID"],
        "s3.secret-access-key": os.environ["AWS_SECRET_ACCESS_KEY"], "s3.path-style-access": "true"})
    if catalog.namespace_exists(NAMESPACE):
        for identifier in catalog.list_tables(NAMESPACE):
            catalog.purge_table(identifier)
    else:
        catalog.create_namespace(NAMESPACE)
    rows = pa.table({"customer_id": pa.array(["c1", "c2", "c3"]), "monetary": pa.array([1.5, 2.0, 0.25])})
    table = catalog.create_table(f"{NAMESPACE}.small", schema=rows.schema)
    table.append(rows)

    back = catalog.load_table(f"{NAMESPACE}.small").scan().to_arrow().sort_by("customer_id")
    assert back.to_pylist() == rows.to_pylist()
    # The server chose the location, in its warehouse; the files are in the store, not on a disk.
    assert table.location() == f"{WAREHOUSE.rstrip('/')}/{NAMESPACE}/small"
    location = urlparse(table.location())
    listed = s3().list_objects_v2(Bucket=location.netloc, Prefix=location.path.lstrip("/") + "/")
    keys = [o["Key"] for o in listed.get("Contents", [])]
    assert any(k.endswith(".metadata.json") for k in keys), keys
    assert any("/data/" in k and k.endswith(".parquet") for k in keys), keys
    catalog.purge_table(f"{NAMESPACE}.small")
    catalog.drop_namespace(NAMESPACE)
