"""The user-interface boundary of the demo account: the front doors users reach the chatbot by.

us-east-1 is the production front door: the REST API's prod stage behind a rate-limiting,
logged web ACL, throttled, with per-client quotas and logs; an HTTP streaming API with a JWT
authorizer; an ALB and a CloudFront distribution behind WAF on TLS 1.2; a Cognito pool that
requires MFA; an RSA-2048 certificate. What a hurried team leaves behind shows up as FAIL: the
dev stage with an API key in a stage variable and prompts traced into its logs, a CloudFront
preview that allows plain HTTP, and in us-west-2 an open REST API behind an empty web ACL, an
open WebSocket API, an ALB without WAF serving plain HTTP, a pool with optional MFA and an
imported RSA-1024 certificate about to expire.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from posture.demo.seed import PRIMARY, SECONDARY, ClientFactory, Seeded
from posture.demo.simulation import Simulation

ORDER = 40
ACCOUNT = "123456789012"
VC = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "acme"}
RATE_RULE = {"Name": "per-ip-rate", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": VC,
             "Statement": {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP"}}}
KNOWN_BAD = {"Name": "known-bad-inputs", "Priority": 1, "OverrideAction": {"None": {}}, "VisibilityConfig": VC,
             "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS",
                                                         "Name": "AWSManagedRulesKnownBadInputsRuleSet"}}}


def _log_group(region: str, name: str) -> str:
    return f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}"


def _web_acl(waf: Any, name: str, scope: str, rules: list[dict[str, Any]], region: str, log: bool) -> str:
    arn = str(waf.create_web_acl(Name=name, Scope=scope, DefaultAction={"Allow": {}}, VisibilityConfig=VC,
                                 Rules=rules)["Summary"]["ARN"])
    if log:
        waf.put_logging_configuration(LoggingConfiguration={
            "ResourceArn": arn, "LogDestinationConfigs": [_log_group(region, f"aws-waf-logs-{name}")]})
    return arn


def _patch_stage(apigw: Any, api: str, stage: str, **paths: str) -> None:
    apigw.update_stage(restApiId=api, stageName=stage, patchOperations=[
        {"op": "replace", "path": path, "value": value} for path, value in paths.items()])


def seed_rest_api(client: ClientFactory, seeded: Seeded) -> None:
    """Harden the core's acme-chat-api prod stage; leave its dev stage as a developer left it."""
    apigw, api = client("apigateway", PRIMARY), seeded.ids["apigw:chat"]
    chat = next(r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/chat")
    # Require an API key on POST /chat so the usage plan's quota binds it (moto lacks update_method,
    # so the method is put again, as the team's infrastructure code would).
    apigw.put_method(restApiId=api, resourceId=chat["id"], httpMethod="POST", authorizationType="AWS_IAM",
                     apiKeyRequired=True)
    apigw.put_integration(restApiId=api, resourceId=chat["id"], httpMethod="POST", type="MOCK")
    _patch_stage(apigw, api, "prod", **{
        "/*/*/throttling/rateLimit": "50", "/*/*/throttling/burstLimit": "100", "/*/*/logging/loglevel": "ERROR",
        "/accessLogSettings/destinationArn": _log_group(PRIMARY, "acme-chat-api-access"),
        "/accessLogSettings/format": "$context.requestId $context.identity.sourceIp $context.status",
        "/variables/model_id": "anthropic.claude-3-5-sonnet", "/variables/max_tokens": "1024"})
    # Misconfiguration: the dev stage carries a model-provider key in a stage variable (fake value),
    # and a developer turned on data tracing to debug prompts, so every prompt lands in the logs.
    # Once a stage-wide setting exists AWS reports the account's throttle (10,000/5,000) on it; moto
    # would fill in its own 1,000/2,000, so the seed writes what AWS would show.
    _patch_stage(apigw, api, "dev", **{"/variables/openai_api_key": "sk-demo-not-a-real-key",
                                       "/*/*/logging/dataTrace": "true", "/*/*/throttling/rateLimit": "10000",
                                       "/*/*/throttling/burstLimit": "5000"})
    apigw.create_usage_plan(name="acme-chat-per-user", apiStages=[{"apiId": api, "stage": "prod"}],
                            throttle={"rateLimit": 5, "burstLimit": 10}, quota={"limit": 2000, "period": "DAY"})
    waf = client("wafv2", PRIMARY)
    acl = next(a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == "acme-chat-acl")
    waf.put_logging_configuration(LoggingConfiguration={
        "ResourceArn": acl["ARN"], "LogDestinationConfigs": [_log_group(PRIMARY, "aws-waf-logs-acme-chat")]})
    seeded.ids["waf:chat"] = acl["ARN"]

    # us-west-2: a copy of the API stood up in a hurry: no authorizer, behind an empty web ACL.
    west = client("apigateway", SECONDARY)
    west_api = west.create_rest_api(name="acme-chat-api-west")["id"]
    root = west.get_resources(restApiId=west_api)["items"][0]["id"]
    resource = west.create_resource(restApiId=west_api, parentId=root, pathPart="chat")["id"]
    west.put_method(restApiId=west_api, resourceId=resource, httpMethod="POST", authorizationType="NONE")
    west.put_integration(restApiId=west_api, resourceId=resource, httpMethod="POST", type="MOCK")
    west.create_stage(restApiId=west_api, stageName="prod",
                      deploymentId=west.create_deployment(restApiId=west_api)["id"])
    empty_acl = _web_acl(client("wafv2", SECONDARY), "acme-west-acl", "REGIONAL", [], SECONDARY, log=False)
    client("wafv2", SECONDARY).associate_web_acl(
        WebACLArn=empty_acl, ResourceArn=f"arn:aws:apigateway:{SECONDARY}::/restapis/{west_api}/stages/prod")
    seeded.ids["apigw:chat-west"] = west_api


def seed_http_apis(client: ClientFactory, seeded: Seeded) -> None:
    v2 = client("apigatewayv2", PRIMARY)
    api = v2.create_api(Name="acme-chat-stream", ProtocolType="HTTP")["ApiId"]
    authorizer = v2.create_authorizer(
        ApiId=api, AuthorizerType="JWT", Name="cognito", IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": ["acme-chat"], "Issuer": f"https://cognito-idp.{PRIMARY}.amazonaws.com/acme"},
    )["AuthorizerId"]
    v2.create_route(ApiId=api, RouteKey="POST /stream", AuthorizationType="JWT", AuthorizerId=authorizer)
    v2.create_stage(ApiId=api, StageName="$default",
                    DefaultRouteSettings={"ThrottlingRateLimit": 20.0, "ThrottlingBurstLimit": 40},
                    AccessLogSettings={"DestinationArn": _log_group(PRIMARY, "acme-chat-stream-access"),
                                       "Format": "$context.requestId $context.status"})
    seeded.ids["apigwv2:stream"] = api
    # us-west-2: a WebSocket prototype whose $connect route nobody put an authorizer on.
    west = client("apigatewayv2", SECONDARY)
    ws = west.create_api(Name="acme-chat-ws-west", ProtocolType="WEBSOCKET",
                         RouteSelectionExpression="$request.body.action")["ApiId"]
    west.create_route(ApiId=ws, RouteKey="$connect", AuthorizationType="NONE")
    west.create_route(ApiId=ws, RouteKey="sendmessage")
    west.create_stage(ApiId=ws, StageName="dev")
    seeded.ids["apigwv2:ws-west"] = ws


def _second_subnet(ec2: Any, seeded: Seeded, region: str) -> list[str]:
    """The core's AI subnet plus one in another availability zone (an ALB needs two)."""
    first = seeded.ids[f"subnet:{region}"]
    zone = ec2.describe_subnets(SubnetIds=[first])["Subnets"][0]["AvailabilityZone"]
    other = next(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"] if z["ZoneName"] != zone)
    second = ec2.create_subnet(VpcId=seeded.ids[f"vpc:{region}"], CidrBlock="10.0.2.0/24",
                               AvailabilityZone=other)["Subnet"]["SubnetId"]
    return [first, second]


def seed_load_balancers(client: ClientFactory, seeded: Seeded) -> None:
    for region in (PRIMARY, SECONDARY):
        elb = client("elbv2", region)
        name = "acme-chat-alb" if region == PRIMARY else "acme-chat-alb-west"
        lb = elb.create_load_balancer(Name=name, Subnets=_second_subnet(client("ec2", region), seeded, region),
                                      Scheme="internet-facing", Type="application")["LoadBalancers"][0]
        arn = lb["LoadBalancerArn"]
        if region == PRIMARY:
            client("wafv2", region).associate_web_acl(WebACLArn=seeded.ids["waf:chat"], ResourceArn=arn)
            elb.create_listener(LoadBalancerArn=arn, Protocol="HTTPS", Port=443,
                                Certificates=[{"CertificateArn": seeded.ids["acm:chat"]}],
                                DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {
                                    "StatusCode": "200", "ContentType": "text/plain"}}])
            elb.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[{
                "Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
        else:  # Misconfiguration: no WAF, and the UI is served over plain HTTP.
            elb.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[{
                "Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"}}])


def _distribution(cloudfront: Any, reference: str, policy: str, web_acl: str, certificate: dict[str, Any]) -> str:
    return str(cloudfront.create_distribution(DistributionConfig={
        "CallerReference": reference, "Comment": reference, "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "chat-api", "DomainName": f"chat.execute-api.{PRIMARY}.amazonaws.com",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "chat-api", "ViewerProtocolPolicy": policy, "MinTTL": 0},
        "WebACLId": web_acl, "ViewerCertificate": certificate,
    })["Distribution"]["Id"])


def seed_edge(client: ClientFactory, seeded: Seeded) -> None:
    edge_acl = _web_acl(client("wafv2", PRIMARY), "acme-edge-acl", "CLOUDFRONT", [RATE_RULE, KNOWN_BAD], PRIMARY,
                        log=True)
    cloudfront = client("cloudfront")
    seeded.ids["cloudfront:chat"] = _distribution(cloudfront, "acme-chat-ui", "redirect-to-https", edge_acl, {
        "CloudFrontDefaultCertificate": False, "ACMCertificateArn": seeded.ids["acm:chat"],
        "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"})
    # Misconfiguration: a preview of the chat UI on the default domain, plain HTTP allowed, no WAF.
    seeded.ids["cloudfront:preview"] = _distribution(cloudfront, "acme-chat-preview", "allow-all", "",
                                                     {"CloudFrontDefaultCertificate": True})


def seed_user_pools(client: ClientFactory, seeded: Seeded) -> None:
    idp = client("cognito-idp", PRIMARY)
    pool = idp.create_user_pool(PoolName="acme-chat-users", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    pool_id = pool["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True},
                                 MfaConfiguration="ON")
    seeded.ids["cognito:chat"] = pool_id
    # us-west-2: MFA left optional and threat protection only auditing.
    west = client("cognito-idp", SECONDARY).create_user_pool(
        PoolName="acme-chat-users-west", MfaConfiguration="OPTIONAL", UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    seeded.ids["cognito:chat-west"] = west["UserPool"]["Id"]


def _self_signed(domain: str, days_left: int, key_size: int) -> tuple[bytes, bytes]:
    """A self-signed RSA certificate and key (cryptography comes with moto, which the demo needs)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=350))
            .not_valid_after(now + timedelta(days=days_left)).sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def seed_certificates(client: ClientFactory, seeded: Seeded) -> None:
    # Imported from Acme's CA rather than requested: an ACM-requested certificate stays
    # PENDING_VALIDATION in the demo unless moto reads MOTO_ACM_VALIDATION_WAIT=0 before it loads.
    certificate, key = _self_signed("chat.acme.example", 300, 2048)
    seeded.ids["acm:chat"] = client("acm", PRIMARY).import_certificate(
        Certificate=certificate, PrivateKey=key)["CertificateArn"]
    # Misconfiguration: an imported RSA-1024 certificate for the west endpoint, expiring in 12 days.
    certificate, key = _self_signed("chat-west.acme.example", 12, 1024)
    seeded.ids["acm:chat-west"] = client("acm", SECONDARY).import_certificate(
        Certificate=certificate, PrivateKey=key)["CertificateArn"]


def seed(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    seed_certificates(client, seeded)
    seed_rest_api(client, seeded)
    seed_http_apis(client, seeded)
    seed_load_balancers(client, seeded)
    seed_edge(client, seeded)
    seed_user_pools(client, seeded)
