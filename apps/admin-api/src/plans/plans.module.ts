import { Module } from '@nestjs/common';
import { PlanRepository, ProductRepository, provideOnPrimary } from '@gatehouse/db';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

/** Plans (admin only): limits, limit modes and auto-approval of each product's entitlement templates. */
@Module({
  controllers: [PlansController],
  providers: [provideOnPrimary(PlanRepository), provideOnPrimary(ProductRepository), PlansService],
})
export class PlansModule {}
