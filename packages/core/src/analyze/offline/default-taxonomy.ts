import type { Taxonomy } from './taxonomy.js';

/**
 * A general contact-center taxonomy, used when you give none. Each topic has plain service vocabulary as
 * keywords, a description and a few example phrases, written for contact centres in general (telecoms, retail,
 * banking, travel, utilities), not taken from any benchmark: the offline analyzer matches all of them, a
 * language model reads the labels and descriptions.
 */
export const DEFAULT_TAXONOMY: Taxonomy = [
  {
    id: 'billing',
    label: 'Billing and charges',
    description: 'Questions or disputes about bills, charges, fees, invoices, prices and subscriptions',
    keywords: ['bill', 'billing', 'charge', 'charged', 'overcharged', 'fee', 'invoice', 'statement', 'price'],
    examples: [
      'I was charged twice this month',
      'Why is my bill higher than usual?',
      'There is a fee on my statement I do not understand',
      'My subscription price went up without notice',
      'Can you explain the charges on my last invoice?',
    ],
  },
  {
    id: 'refund',
    label: 'Refunds and returns',
    description: 'Getting money back, returning or exchanging an item, compensation for a bad experience',
    keywords: ['refund', 'money back', 'return', 'exchange', 'reimburse', 'compensation', 'voucher'],
    examples: [
      'I want to return this item and get my money back',
      'When will my refund be processed?',
      'I would like compensation for the delay',
      'Can I exchange it for a different size?',
      'I still have not received the refund you promised',
    ],
  },
  {
    id: 'cancellation',
    label: 'Cancellation',
    description: 'Cancelling a service, subscription, contract, order or booking; closing an account',
    keywords: ['cancel', 'cancellation', 'terminate', 'close my account', 'unsubscribe', 'end my contract'],
    examples: [
      'I want to cancel my subscription',
      'Please close my account',
      'How do I end my contract early?',
      'Cancel my order, I do not need it any more',
      'Stop the automatic renewal',
    ],
  },
  {
    id: 'account_access',
    label: 'Account access',
    description: 'Logging in, passwords, verification codes, locked or blocked accounts',
    keywords: ['login', 'log in', 'sign in', 'password', 'locked', 'verification code', 'username'],
    examples: [
      'I cannot log in to my account',
      'I forgot my password and the reset link does not arrive',
      'My account has been locked',
      'I am not getting the verification code',
      'It says my username does not exist',
    ],
  },
  {
    id: 'technical_issue',
    label: 'Technical issue',
    description:
      'Something does not work: an app, website, device, internet or phone connection, error messages',
    keywords: ['not working', 'error', 'crash', 'bug', 'app', 'website', 'wifi', 'internet', 'connection'],
    examples: [
      'The app keeps crashing when I open it',
      'My internet connection drops every evening',
      'I get an error message when I try to pay on the website',
      'The device will not turn on after the update',
      'My phone has no signal at home',
      'The page will not load on my laptop',
    ],
  },
  {
    id: 'order_status',
    label: 'Order and delivery',
    description: 'Where an order, parcel or delivery is; late, missing, wrong or damaged deliveries',
    keywords: ['order', 'delivery', 'shipping', 'package', 'parcel', 'tracking', 'courier', 'dispatch'],
    examples: [
      'Where is my order?',
      'My parcel was supposed to arrive yesterday',
      'The tracking has not updated for a week',
      'The courier left the package at the wrong address',
      'I received the wrong item in my delivery',
    ],
  },
  {
    id: 'booking',
    label: 'Bookings and appointments',
    description:
      'Making, changing or checking a reservation or appointment: travel, hotels, restaurants, rentals, repairs, visits',
    keywords: ['book', 'booking', 'reservation', 'reserve', 'appointment', 'schedule', 'ticket', 'hotel'],
    examples: [
      'I would like to book a table for four tonight',
      'Can I change the date of my reservation?',
      'I need to schedule a service appointment for my car',
      'Is there a room available next weekend?',
      'Book me two tickets for the morning train',
      'Find me a rental car for Friday',
    ],
  },
  {
    id: 'travel_disruption',
    label: 'Travel disruption',
    description:
      'Delayed or cancelled flights and trains, missed connections, lost baggage, seating problems',
    keywords: ['delayed', 'cancelled flight', 'missed connection', 'baggage', 'luggage', 'gate', 'boarding'],
    examples: [
      'My flight was cancelled and nobody told me',
      'The train was delayed and I missed my connection',
      'My luggage did not arrive',
      'We have been sitting at the gate for two hours',
      'I was moved to a worse seat without warning',
    ],
  },
  {
    id: 'plan_change',
    label: 'Plan or product change',
    description:
      'Upgrading, downgrading or switching a plan, package or contract; adding a line or a feature',
    keywords: ['upgrade', 'downgrade', 'change my plan', 'switch plan', 'add a line', 'premium', 'contract'],
    examples: [
      'I want to upgrade to the premium plan',
      'Can I switch to a cheaper package?',
      'How do I add another line to my contract?',
      'I would like to change my data allowance',
    ],
  },
  {
    id: 'card_services',
    label: 'Card services',
    description: 'Bank or credit cards: new, lost, stolen, declined, activation, PIN, cash machines',
    keywords: ['card', 'debit card', 'credit card', 'pin', 'atm', 'declined', 'contactless', 'activate'],
    examples: [
      'My card was declined at the shop',
      'I lost my card, please block it',
      'When will my new card arrive?',
      'How do I activate my card?',
      'The cash machine kept my card',
    ],
  },
  {
    id: 'fraud_security',
    label: 'Fraud and security',
    description: 'Unauthorised transactions, scams, phishing, hacked or compromised accounts',
    keywords: ['fraud', 'unauthorised', 'unauthorized', 'scam', 'hacked', 'suspicious', 'phishing'],
    examples: [
      'There is a payment on my account that I did not make',
      'I think my account was hacked',
      'I got a suspicious message asking for my details',
      'Someone used my card without my permission',
    ],
  },
  {
    id: 'transfers_payments',
    label: 'Transfers and payments',
    description: 'Sending or receiving money, bank transfers, top-ups, pending or failed payments',
    keywords: ['transfer', 'send money', 'top up', 'pending', 'transaction', 'deposit', 'withdraw'],
    examples: [
      'My transfer has been pending for three days',
      'How do I send money abroad?',
      'The payment failed but the money left my account',
      'I topped up but the balance did not change',
    ],
  },
  {
    id: 'account_update',
    label: 'Account details',
    description: 'Changing an address, name, phone number, email or other personal details on an account',
    keywords: ['change my address', 'change my name', 'update my details', 'phone number', 'email address'],
    examples: [
      'I moved and need to update my address',
      'Please change the email address on my account',
      'I got married and want to change my name',
      'How do I update my phone number?',
    ],
  },
  {
    id: 'product_information',
    label: 'Product information',
    description:
      'Questions about products and services: features, availability, compatibility, opening hours, how to use',
    keywords: ['how do i', 'how to', 'feature', 'available', 'availability', 'compatible', 'in stock'],
    examples: [
      'Is this model compatible with my phone?',
      'Do you have this in stock?',
      'How do I use the new feature?',
      'What time does the store open on Sunday?',
      'Does the price include installation?',
    ],
  },
  {
    id: 'product_quality',
    label: 'Product quality',
    description: 'Defective, damaged, expired or poor-quality products; warranty claims and repairs',
    keywords: ['broken', 'defective', 'faulty', 'damaged', 'quality', 'warranty', 'repair', 'expired'],
    examples: [
      'The product arrived broken',
      'It stopped working after two weeks, is it under warranty?',
      'The item looks used and has scratches',
      'The quality is much worse than before',
      'It needs a repair, who pays for it?',
    ],
  },
  {
    id: 'service_feedback',
    label: 'Service feedback',
    description: 'Praise or complaints about staff, stores, facilities or the service in general',
    keywords: ['staff', 'rude', 'customer service', 'experience', 'feedback', 'complaint', 'manager'],
    examples: [
      'The staff at your store were very rude',
      'I want to make a complaint about the service',
      'Your team was amazing, thank you',
      'Nobody ever answers the phone at your branch',
      'I waited an hour and nobody helped me',
    ],
  },
];
