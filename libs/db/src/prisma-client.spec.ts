import { Prisma } from './generated/prisma/client';
import { SECRET_COLUMNS } from './prisma-client';

/** Column names that hold a secret or something derived from one. */
const SECRET_LOOKING = /(^hash$|Hash$|Ciphertext$|AuthTag$|^password|Secret)/;

describe('SECRET_COLUMNS', () => {
  const scalarFields = (model: string): string[] => {
    const enumName = `${model.charAt(0).toUpperCase()}${model.slice(1)}ScalarFieldEnum` as keyof typeof Prisma;
    return Object.keys(Prisma[enumName] as Record<string, string>);
  };
  const models = Object.values(Prisma.ModelName).map((name) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`);

  it('omits every secret-looking column of every model by default', () => {
    // The audit chain hashes (hash, prevHash) are public by design: verifying the chain means showing them.
    const publicByDesign = new Set(['auditEvent.hash', 'auditEvent.prevHash']);
    const omitted = new Set(
      Object.entries(SECRET_COLUMNS).flatMap(([model, columns]) =>
        Object.keys(columns).map((column) => `${model}.${column}`),
      ),
    );
    const missing = models
      .flatMap((model) => scalarFields(model).map((column) => `${model}.${column}`))
      .filter(
        (name) => SECRET_LOOKING.test(name.split('.')[1] ?? '') && !publicByDesign.has(name) && !omitted.has(name),
      );
    expect(missing).toEqual([]);
  });

  it('names only columns that exist', () => {
    for (const [model, columns] of Object.entries(SECRET_COLUMNS)) {
      expect(scalarFields(model)).toEqual(expect.arrayContaining(Object.keys(columns)));
    }
  });
});
