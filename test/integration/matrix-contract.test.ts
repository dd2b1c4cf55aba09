/** The adapter contract (test/contracts/adapter.ts) for Matrix, against a real Synapse. */
import { runAdapterContract } from '../contracts/adapter.js';
import { matrixContract } from '../support/contract/matrix.js';

runAdapterContract(matrixContract);
