/**
 * The message dumper as a Deployment (Standard mode).
 * Fields are named by their output path, `spec.predictor.minReplicas`.
 */
import { IConstruct } from 'constructs';
import { FindingList } from '../../core/findings';
import { checkTemplate } from './pod';

type Json = Record<string, any>;

/** Checks a synthesized Deployment (the message dumper in Standard mode): containers, resources, images. */
export function checkDeployment(out: FindingList, obj: Json, scope: IConstruct): void {
  checkTemplate(out, obj, undefined, scope);
}
