import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSql } from '../../src/validate/index.ts';
import { ATTACK_FAMILIES, ATTACKS, OTHER, OWN, renderAttack } from './corpus.ts';

const own = '1234567890';
const other = '9876543210';

describe('attack corpus against the validator', () => {
  it('has at least 100 cases and every family is represented', () => {
    assert.ok(ATTACKS.length >= 100, `only ${ATTACKS.length} cases`);
    const counts = new Map<string, number>();
    for (const c of ATTACKS) counts.set(c.family, (counts.get(c.family) ?? 0) + 1);
    for (const family of ATTACK_FAMILIES) {
      assert.ok((counts.get(family) ?? 0) >= 3, `family ${family} has fewer than 3 cases`);
    }
    assert.equal(counts.size, ATTACK_FAMILIES.length);
  });

  it('has unique names within each family', () => {
    const keys = ATTACKS.map((c) => `${c.family}/${c.name}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('renders the placeholders', () => {
    const rendered = ATTACKS.map((c) => renderAttack(c, own, other));
    assert.ok(rendered.every((sql) => !sql.includes(OWN) && !sql.includes(OTHER)));
    assert.ok(rendered.some((sql) => sql.includes(other)));
  });

  for (const c of ATTACKS) {
    it(`${c.family}/${c.name} → ${c.code}`, () => {
      const result = validateSql(renderAttack(c, own, other), { memberId: own });
      assert.equal(result.ok, false, 'the validator accepted an attack');
      if (!result.ok) assert.equal(result.code, c.code, result.reason);
    });
  }
});
