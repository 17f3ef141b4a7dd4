import { CallToAction } from '../components/landing/call-to-action';
import { Features } from '../components/landing/features';
import { Hero } from '../components/landing/hero';
import { ProofPoints } from '../components/landing/proof-points';
import { QuickStart } from '../components/landing/quick-start';
import { Roles } from '../components/landing/roles';
import { SiteFooter } from '../components/site-footer';
import { SiteHeader } from '../components/site-header';
import { SkipLink } from '../components/skip-link';

export default function LandingPage() {
  return (
    <>
      <SkipLink />
      <SiteHeader />
      <main id="main">
        <Hero />
        <ProofPoints />
        <Features />
        <Roles />
        <QuickStart />
        <CallToAction />
      </main>
      <SiteFooter />
    </>
  );
}
