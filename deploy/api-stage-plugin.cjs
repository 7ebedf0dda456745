'use strict';
/**
 * osls plugin (local): the API Gateway stage becomes a CloudFormation resource of its own.
 *
 * osls creates the stage implicitly through the Deployment's `StageName` and configures access
 * logs, execution logs and tracing with SDK calls after the deploy, so none of them is in the
 * template (and no validator can see them). serverless.yml declares `ApiGatewayStage`
 * (AWS::ApiGateway::Stage: logs, tracing, throttling) pointing at
 * `ApiGatewayDeployment${sls:instanceId}`; this plugin removes `StageName` from that Deployment
 * (otherwise it would create a second, unconfigured copy of the same stage) and makes everything
 * that needs the stage to exist (usage plans) wait for `ApiGatewayStage` instead of the Deployment.
 */
class ApiStagePlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.moveStage(),
    };
  }

  moveStage() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const resources = template.Resources;
    const stage = resources.ApiGatewayStage;
    if (!stage || stage.Type !== 'AWS::ApiGateway::Stage') {
      throw new Error('api-stage-plugin: serverless.yml must declare ApiGatewayStage (AWS::ApiGateway::Stage)');
    }
    const deployments = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Deployment');
    if (deployments.length !== 1) {
      throw new Error(`api-stage-plugin: expected one API Gateway deployment, found ${deployments.length}`);
    }
    const [deploymentId, deployment] = deployments[0];
    if (stage.Properties?.DeploymentId?.Ref !== deploymentId) {
      throw new Error(`api-stage-plugin: ApiGatewayStage must reference ${deploymentId}`);
    }
    delete deployment.Properties.StageName;
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::ApiGateway::UsagePlan') continue;
      const dependsOn = [].concat(resource.DependsOn ?? []).filter((d) => d !== deploymentId);
      resource.DependsOn = [...new Set([...dependsOn, 'ApiGatewayStage'])];
    }
  }
}

module.exports = ApiStagePlugin;
