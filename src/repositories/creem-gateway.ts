/**
 * Creem through its official SDK. Test vs live follows the key (creem_test_…); CREEM_API_URL
 * overrides the server so tests reach a loopback Creem. SDK failures become a 502 with no key or
 * URL in the message.
 */
import { Creem } from 'creem';
import { ServiceError } from '../domain/errors.ts';
import type { PaymentGateway } from '../domain/payment-gateway.ts';

export function createCreemGateway(options: { apiKey: string; serverUrl?: string }): PaymentGateway {
  const mode = options.apiKey.startsWith('creem_test_') ? 'test' : 'live';
  const client = new Creem({
    apiKey: options.apiKey,
    ...(options.serverUrl ? { serverURL: options.serverUrl } : { server: mode === 'test' ? 'test' : 'prod' }),
    timeoutMs: 15_000,
  });
  const fail = (what: string, error: unknown): ServiceError => {
    const status = (error as { statusCode?: number }).statusCode;
    return new ServiceError(
      'payment_provider_error',
      `the payment provider could not ${what}${status ? ` (HTTP ${status})` : ''}; try again shortly`,
    );
  };
  return {
    mode,
    async createCheckout(request) {
      try {
        const checkout = await client.checkouts.create({
          productId: request.productId,
          requestId: request.requestId,
          successUrl: request.successUrl,
          customer: { email: request.customerEmail },
          metadata: request.metadata,
        });
        if (!checkout.checkoutUrl) throw new Error('no checkout url');
        return { id: checkout.id, url: checkout.checkoutUrl };
      } catch (error) {
        throw fail('start a checkout', error);
      }
    },
    async customerPortal(customerId) {
      try {
        return (await client.customers.generateBillingLinks({ customerId })).customerPortalLink;
      } catch (error) {
        throw fail('open the billing portal', error);
      }
    },
  };
}
