/**
 * Every fast-check property in the suite runs from one seed, so that CI is reproducible: FC_SEED (default
 * 20261123, as in test/reliability/rules.property.test.ts). fast-check prints the seed and path of a failure;
 * rerun with `FC_SEED=<seed> npx jest <file>`, or explore new inputs with another seed.
 */
import * as fc from "fast-check";

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.FC_SEED ?? 20261123) });
