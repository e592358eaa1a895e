"""The AWS console page of a resource: a small table of URL patterns per resource type, else
the console of the resource's service (from its ARN). Pure string building, no AWS call.

The HTML report links each finding's resource here, and ASFF carries it as `SourceUrl`."""

from __future__ import annotations

from urllib.parse import quote

# Console hosts per partition: regional (format with region) and global.
_HOSTS = {
    "aws": ("https://{region}.console.aws.amazon.com", "https://console.aws.amazon.com"),
    "aws-cn": ("https://{region}.console.amazonaws.cn", "https://console.amazonaws.cn"),
    "aws-us-gov": ("https://console.amazonaws-us-gov.com", "https://console.amazonaws-us-gov.com"),
}
# Resource type -> path on the console host; {id} is the resource id (escaped), {r} the region,
# {account} the account, {arn} the ARN (escaped), {api} the API of an API Gateway stage.
_PAGES: dict[str, str] = {
    "AwsAccount": "/billing/home#/account",
    "AwsApiGatewayRestApi": "/apigateway/main/apis/{id}/resources?region={r}",
    "AwsApiGatewayStage": "/apigateway/main/apis/{api}/stages?region={r}",
    "AwsApiGatewayV2Api": "/apigateway/main/api-detail?api={id}&region={r}",
    "AwsApiGatewayV2Stage": "/apigateway/main/develop/stages?api={api}&region={r}",
    "AwsBackupBackupVault": "/backup/home?region={r}#/backupvaults/details/{id}",
    "AwsCertificateManagerCertificate": "/acm/home?region={r}#/certificates/{id}",
    "AwsCloudFrontDistribution": "/cloudfront/v4/home#/distributions/{id}",
    "AwsCloudTrailTrail": "/cloudtrail/home?region={r}#/trails/{arn}",
    "AwsEc2Vpc": "/vpcconsole/home?region={r}#VpcDetails:VpcId={id}",
    "AwsEcrRepository": "/ecr/repositories/private/{account}/{id}?region={r}",
    "AwsElbv2LoadBalancer": "/ec2/home?region={r}#LoadBalancer:loadBalancerArn={arn}",
    "AwsGuardDutyDetector": "/guardduty/home?region={r}#/settings",
    "AwsIamRole": "/iam/home#/roles/details/{id}",
    "AwsKmsKey": "/kms/home?region={r}#/kms/keys/{id}",
    "AwsLambdaFunction": "/lambda/home?region={r}#/functions/{id}",
    "AwsLogsLogGroup": "/cloudwatch/home?region={r}#logsV2:log-groups/log-group/{logid}",
    "AwsNetworkFirewallFirewall": "/vpcconsole/home?region={r}#NetworkFirewallDetails:arn={arn}",
    "AwsS3Bucket": "/s3/buckets/{id}",
    "AwsSageMakerEndpoint": "/sagemaker/home?region={r}#/endpoints/{id}",
    "AwsSageMakerEndpointConfig": "/sagemaker/home?region={r}#/endpointConfig/{id}",
    "AwsSageMakerNotebookInstance": "/sagemaker/home?region={r}#/notebook-instances/{id}",
    "AwsSecretsManagerSecret": "/secretsmanager/secret?name={id}&region={r}",
    "AwsWafv2WebAcl": "/wafv2/homev2/web-acls?region={r}",
}
GLOBAL_TYPES = {"AwsAccount", "AwsCloudFrontDistribution", "AwsIamRole", "AwsS3Bucket"}
# ARN service -> its console, where the console path is not the ARN's service name.
_SERVICE_CONSOLE = {
    "access-analyzer": "/access-analyzer/home?region={r}",
    "apigateway": "/apigateway/main/apis?region={r}",
    "cognito-idp": "/cognito/v2/idp/user-pools?region={r}",
    "elasticloadbalancing": "/ec2/home?region={r}#LoadBalancers:",
    "logs": "/cloudwatch/home?region={r}#logsV2:log-groups",
    "network-firewall": "/vpcconsole/home?region={r}#NetworkFirewalls:",
    "organizations": "/organizations/v2/home",
    "wafv2": "/wafv2/homev2?region={r}",
    "iam": "/iam/home",
    "s3": "/s3/home",
}


def _service(arn: str | None, fallback: str) -> str:
    parts = (arn or "").split(":")
    return parts[2] if len(parts) > 2 and parts[2] else fallback


def console_url(*, partition: str, region: str | None, account_id: str, resource_type: str, resource_id: str,
                resource_arn: str | None, service: str) -> str:
    """The console page of the resource, or of its service's console (`region` None: global)."""
    regional, global_host = _HOSTS.get(partition, _HOSTS["aws"])
    region = region or ""
    page = _PAGES.get(resource_type)
    if page is not None:
        host = global_host if resource_type in GLOBAL_TYPES or not region else regional
        api = resource_id.split("/")[0]
        return host.format(region=region) + page.format(
            id=quote(resource_id, safe=""), r=quote(region), account=account_id,
            arn=quote(resource_arn or "", safe=""), api=quote(api, safe=""),
            logid=quote(resource_id, safe="").replace("%", "$25"))
    name = _service(resource_arn, service)
    host = regional if region else global_host
    path = _SERVICE_CONSOLE.get(name, "/" + quote(name, safe="") + "/home?region={r}")
    return host.format(region=region) + path.format(r=quote(region))
