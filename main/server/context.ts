import type { Backend } from '../backend';
import type { BodyBudget } from './request-body';

/** What every handler of one server needs: its secret, its names, its backend and its limits. */
export interface ServeContext {
  backend: Backend;
  staticDir: string;
  token: string;
  /** `name:port` pairs this server answers (filled in once it listens). */
  hosts: Set<string>;
  maxBodyBytes: number;
  budget: BodyBudget;
}
