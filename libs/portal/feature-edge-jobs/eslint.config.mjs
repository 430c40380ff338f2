import portal from '../eslint.portal.mjs';

export default portal;
