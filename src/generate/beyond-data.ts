/**
 * Questions that need data the product does not hold — prior authorization, finding a doctor,
 * cost estimates for future care, premiums — are refused before any model call, the same way
 * whatever model writes the SQL, with a pointer to customer service (NOT_IN_CLAIMS_DATA).
 */
import { type NotInData, notInDataTopic } from '../schema/benefit-words.ts';

/**
 * The topic the data cannot answer, or undefined when the question may be about claims or benefits.
 *
 * @example
 * beyondData('Do I need a referral to see a dermatologist?') // 'prior_authorization'
 */
export function beyondData(question: string): NotInData | undefined {
  return notInDataTopic(question);
}
