import { Field, Int, ObjectType } from 'type-graphql';
import { VaccineProduct } from '../product/product.type.js';

@ObjectType('FacilityStock', { description: 'Usable doses of one product at one facility' })
export class FacilityStock {
  @Field(() => VaccineProduct)
  product!: VaccineProduct;

  @Field(() => Int, { description: 'Doses on hand that are unexpired, unrecalled and of usable VVM stage' })
  usableDoses!: number;
}
