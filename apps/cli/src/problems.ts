/** One problem of a file: its YAML path (empty for the file as a whole), why, and its 1-based line if known. */
export interface FileProblem {
  field: string;
  reason: string;
  line: number | null;
}

/** `policies/global.yaml:9: spec.access.severity: Unrecognized key`, as compilers print problems. */
export function formatProblem(file: string, problem: FileProblem): string {
  const place = problem.line === null ? file : `${file}:${problem.line}`;
  return problem.field === '' ? `${place}: ${problem.reason}` : `${place}: ${problem.field}: ${problem.reason}`;
}
