/** What the create page's cost box says to someone trying it without an account. */
import { h } from '../dom.ts';

export function signUpToMake(): Array<Node | string> {
  return [
    'The preview is free and stays in your browser. ',
    h('a', { href: '/sign-up?next=%2Fcreate', 'data-link': true, 'data-testid': 'sign-up-to-make' }, 'Create an account'),
    ' (it comes with free credits) or ',
    h('a', { href: '/sign-in?next=%2Fcreate', 'data-link': true }, 'sign in'),
    ' to make the printable file.',
  ];
}
