/** The payment provider as the billing service sees it (Creem behind it; a loopback Creem in tests). */
export interface CheckoutRequest {
  productId: string;
  requestId: string;
  successUrl: string;
  customerEmail: string;
  metadata: Record<string, string>;
}

export interface PaymentGateway {
  readonly mode: 'test' | 'live';
  createCheckout(request: CheckoutRequest): Promise<{ id: string; url: string }>;
  customerPortal(customerId: string): Promise<string>;
}
