import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FamilyMember } from '../core/ports.ts';
import { notInDataMessage, notUnderstoodOf, parentClarification } from './understanding.ts';

const person = (name: string, relationship: FamilyMember['relationship'], self = false): FamilyMember => ({
  name,
  relationship,
  visible: true,
  self,
});

describe('parentClarification', () => {
  const twoParents = [person('Noah Doe', 'son', true), person('Ann Doe', 'subscriber'), person('Ben Doe', 'spouse')];

  it('asks which parent, by first name, when two people could be meant', () => {
    const en = parentClarification(
      notUnderstoodOf('<sql>NULL</sql><not_understood>my dad</not_understood>', 'How many claims did my dad have?'),
      twoParents,
      'en',
    );
    assert.equal(
      en,
      "I can't tell which of your parents you mean by \"dad\": the plan's records don't say who is your mother or your father. Could you ask again with their first name (Ann or Ben)?",
    );
    assert.match(
      parentClarification(['papá'], twoParents, 'es') ?? '',
      /^No sé a cuál de sus padres se refiere con "papá".*\(Ann o Ben\)\?$/,
    );
  });

  it("someone else's parent (\"Lucas's mom\") is not the asker's parent word: no clarification", () => {
    assert.equal(parentClarification(["Lucas's mom"], twoParents, 'en'), undefined);
    assert.ok(parentClarification(['mi mamá'], twoParents, 'es'));
  });

  it('a grandchild: the plan holder may not be a parent', () => {
    const grandchild = [person('Amara Okafor', 'other', true), person('Robert Okafor', 'subscriber')];
    assert.match(
      parentClarification(['my mom'], grandchild, 'en') ?? '',
      /^I can't tell who you mean by "mom".*Robert\)\?$/,
    );
  });

  it('nothing to clarify: another word, one parent, no parent on the plan', () => {
    assert.equal(parentClarification(['allergy'], twoParents, 'en'), undefined);
    assert.equal(
      parentClarification(['dad'], [person('Noah Doe', 'son', true), person('Ann Doe', 'subscriber')], 'en'),
      undefined,
    );
    assert.equal(parentClarification(['mom'], [person('Priya Rao', 'subscriber', true)], 'en'), undefined);
  });
});

describe('notInDataMessage', () => {
  it('names dental care as not in the data, in English and Spanish', () => {
    assert.match(notInDataMessage('dental', 'en'), /can't see dental claims or dental benefits/);
    assert.match(notInDataMessage('dental', 'es'), /no puedo ver reclamaciones ni beneficios dentales/);
  });
});
