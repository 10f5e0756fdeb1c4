"""Create the tables, queues and the audio bucket of infra/resources.json on an AWS endpoint (moto, locally).

The same template is merged into the deployed stack, so local and deployed resources cannot drift.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "resources.json"


def _resolve(value: Any, stage: str, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        if "Fn::Sub" in value:
            return value["Fn::Sub"].replace("${Stage}", stage)
        if "Fn::If" in value:
            return _resolve(value["Fn::If"][1 if stage == "prod" else 2], stage, names)
        if "Fn::GetAtt" in value:
            return names[value["Fn::GetAtt"][0]]
        return {k: _resolve(v, stage, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, stage, names) for v in value]
    return value


def resources(stage: str) -> dict[str, dict[str, Any]]:
    template = json.loads(TEMPLATE.read_text())
    return {name: spec for name, spec in template["Resources"].items() if "Type" in spec}


# Deployed, a bucket's name ends in the account id (S3 names are global); locally the stage's plain name, which
# settings.audio_bucket() gives when SAMVAD_AUDIO_BUCKET is not set. The fallback bucket is not made: the sandbox
# serves its documents.
LOCAL_BUCKETS = ("AudioBucket",)


def provision(dynamodb: Any, sqs: Any, stage: str, s3: Any = None) -> dict[str, str]:
    """Create every table, queue and local bucket; return logical id -> table name, queue ARN or bucket name.
    Without `s3`, a client like `dynamodb`'s (the same endpoint: moto in tests, the stack's locally)."""
    names: dict[str, str] = {}
    specs = resources(stage)
    for logical, spec in specs.items():
        if spec["Type"] != "AWS::SQS::Queue" or "RedrivePolicy" in spec["Properties"]:
            continue
        props = _resolve(spec["Properties"], stage, names)
        url = sqs.create_queue(QueueName=props["QueueName"])["QueueUrl"]
        names[logical] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for logical, spec in specs.items():
        props = _resolve(spec["Properties"], stage, names)
        if spec["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in props:
            sqs.create_queue(QueueName=props["QueueName"], Attributes={
                "VisibilityTimeout": str(props["VisibilityTimeout"]),
                "RedrivePolicy": json.dumps(props["RedrivePolicy"])})
            names[logical] = props["QueueName"]
        elif spec["Type"] == "AWS::DynamoDB::Table":
            kwargs = {k: props[k] for k in ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode",
                                            "GlobalSecondaryIndexes") if k in props}
            dynamodb.create_table(**kwargs)
            if "TimeToLiveSpecification" in props:
                dynamodb.update_time_to_live(TableName=props["TableName"],
                                             TimeToLiveSpecification=props["TimeToLiveSpecification"])
            names[logical] = props["TableName"]
    for logical in LOCAL_BUCKETS:
        names[logical] = make_bucket(s3 or _s3_like(dynamodb), specs[logical]["Properties"], stage)
    return names


def make_bucket(s3: Any, props: dict[str, Any], stage: str) -> str:
    """The bucket with the template's encryption and public access block (again: no change)."""
    name = props["BucketName"]["Fn::Sub"].replace("-${AWS::AccountId}", "").replace("${Stage}", stage)
    region = s3.meta.region_name
    try:
        s3.create_bucket(Bucket=name, **({} if region == "us-east-1" else
                                         {"CreateBucketConfiguration": {"LocationConstraint": region}}))
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    # CloudFormation's ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault.
    rules = [{"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
             for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    return name


def _s3_like(dynamodb: Any) -> Any:
    import boto3

    endpoint = dynamodb.meta.endpoint_url
    # A local endpoint (the stack's moto server) serves S3 too; AWS's own dynamodb host does not.
    local = None if endpoint.endswith(".amazonaws.com") else endpoint
    return boto3.client("s3", region_name=dynamodb.meta.region_name, endpoint_url=local)


DEMO_PIN = "1234"  # every demo officer's IVR PIN (README), set when `make run` loads the demo districts


def give_demo_pins(district: Any) -> int:
    """Set DEMO_PIN for every officer and the Collector of a demo district; how many phones got one."""
    from chalicelib.domain.clock import SystemClock
    from chalicelib.operations.officer_pins import set_pin
    from chalicelib.store.officer_pins import DynamoOfficerPins

    pins, now = DynamoOfficerPins(), SystemClock().now()
    phones = sorted(district.officer_phones())
    for phone in phones:
        set_pin(district, phone, DEMO_PIN, "make-run", now, pins)
    return len(phones)
