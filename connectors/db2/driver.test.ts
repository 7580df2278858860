import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MissingDriverError } from '../../core/errors.js';
import { loadIbmDb } from './driver.js';

/** Whether ibm_db's native binding is built on this machine (its install script needs IBM's CLI driver). */
function driverBuilt(): boolean {
  try {
    createRequire(import.meta.url)('ibm_db');
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(driverBuilt())('DB2 driver when ibm_db is not built here', () => {
  it('explains how to install it instead of failing with a bare module error', () => {
    let error: unknown;
    try {
      loadIbmDb();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingDriverError);
    const message = (error as Error).message;
    expect(message).toMatch(/IBM_DB_HOME/);
    expect(message).toMatch(/IBM_DB_INSTALLER_URL/);
    expect(message).toMatch(/npm install-scripts approve ibm_db/);
    expect(message).toMatch(/npm rebuild ibm_db/);
    expect((error as Error).cause).toBeDefined();
  });
});
