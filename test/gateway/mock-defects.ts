/**
 * Corpus operations the mock cannot answer correctly because the published definition is wrong.
 * Key: `group/folder#operationId`; value: the defect, in words. The corpus test fails both when
 * another operation fails and when a listed one starts passing (then remove it here).
 */
import type { OperationOutcome } from './mock-kit.ts';

/**
 * AutoRest-style envelopes: `additionalProperties: false` next to `allOf: [TrackedResource]`
 * (or a closed `allOf` base such as AssetContainer) while a property the closed schema does not
 * declare itself is required (`location`, `dataType`, `credentials`, `jobType`). Read as JSON
 * Schema draft-04, which the mock validates with, no value satisfies the response schema.
 */
const AZURE_CLOSED_ALLOF = 'closed allOf envelope requires a property it forbids (draft-04 additionalProperties)';

export const KNOWN_MOCK_DEFECTS: Readonly<Record<string, string>> = {
  'certified-connectors/Azure Machine Learning#BatchEndpointsList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#BatchEndpointsGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#BatchEndpointsUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#BatchEndpointsCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#BatchDeploymentsList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#BatchDeploymentsGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#BatchDeploymentsUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#BatchDeploymentsCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DataContainersList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DataContainersGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DataContainersCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DataVersionsList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DataVersionsGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DataVersionsCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DatastoresList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DatastoresGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#DatastoresCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#JobsList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#JobsGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#JobsCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineEndpointsList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineEndpointsGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineEndpointsUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineEndpointsCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineDeploymentsList': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineDeploymentsGet': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineDeploymentsUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/Azure Machine Learning#OnlineDeploymentsCreateOrUpdate': AZURE_CLOSED_ALLOF,
  'certified-connectors/iObeya#CreateCard': 'required header parameter is named `Type Card`: a space is not allowed in an HTTP header name, so no client can send it',
};

/** True when the outcome's failure is a documented definition defect. */
export function isKnownDefect(outcome: OperationOutcome): boolean {
  return Object.hasOwn(KNOWN_MOCK_DEFECTS, `${outcome.connector}#${outcome.operationId}`);
}
