import portal from '../../libs/portal/eslint.portal.mjs';

export default portal;
