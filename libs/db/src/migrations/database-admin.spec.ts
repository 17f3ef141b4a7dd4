import { databaseNameOf, maintenanceUrlOf, quoteIdentifier } from './database-admin';

describe('database-admin', () => {
  it('reads the database name of a URL', () => {
    expect(databaseNameOf('postgresql://postgres@127.0.0.1:5432/gatehouse?schema=public')).toBe('gatehouse');
    expect(databaseNameOf('postgresql://postgres@127.0.0.1:5432/my%20db')).toBe('my db');
    expect(() => databaseNameOf('postgresql://user:secret@127.0.0.1:5432')).toThrow(/names no database/);
  });

  it('never puts the password of a URL in an error', () => {
    expect(() => databaseNameOf('postgresql://user:secret@127.0.0.1:5432')).toThrow(/^(?!.*secret)/);
  });

  it('points at the maintenance database of the same server, keeping credentials and options', () => {
    expect(maintenanceUrlOf('postgresql://u:p@db.example:6543/gatehouse?sslmode=require')).toBe(
      'postgresql://u:p@db.example:6543/postgres?sslmode=require',
    );
  });

  it('quotes identifiers, doubling embedded quotes', () => {
    expect(quoteIdentifier('gatehouse')).toBe('"gatehouse"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
